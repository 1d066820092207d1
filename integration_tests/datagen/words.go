package datagen

var firstNames = []string{"Ada", "Alan", "Amira", "Ana", "Ben", "Chloe", "Deniz", "Diego", "Elif", "Emma", "Ethan",
	"Fatma", "Felix", "Grace", "Hana", "Hugo", "Ines", "Isaac", "Jack", "Julia", "Kaan", "Lara", "Leo", "Lucas",
	"Maya", "Mehmet", "Mia", "Noah", "Olivia", "Omar", "Pablo", "Priya", "Ravi", "Sofia", "Tom", "Yuki", "Zeynep",
	"Zoë", "José", "Björn"}

var lastNames = []string{"Anderson", "Aydın", "Brown", "Chen", "Costa", "Demir", "Dubois", "Garcia", "Hansen",
	"Ito", "Jones", "Kaya", "Khan", "Kim", "Lopez", "Martin", "Müller", "Nguyen", "O'Brien", "Patel", "Rossi",
	"Schmidt", "Silva", "Smith", "Suzuki", "Taylor", "Thomas", "Wagner", "Wilson", "Yılmaz"}

var domains = []string{"example.com", "example.org", "mail.example.net", "acme.example", "globex.example",
	"initech.example", "corp.example.co.uk", "shop.example.de", "example.com.tr", "studio.example.fr"}

var companies = []string{"Acme Corp", "Globex", "Initech", "Umbrella Ltd", "Stark Industries", "Wayne Enterprises",
	"Hooli", "Vandelay Imports", "Soylent GmbH", "Tyrell A.Ş.", "Cyberdyne", "Wonka & Co"}

var jobTitles = []string{"Engineer", "Marketing Manager", "CTO", "Sales Rep", "Designer", "Analyst", "Founder",
	"Support Lead", "Product Manager", "Data Scientist"}

var webinars = []string{"Intro to CDP", "Journey Builder 101", "Scaling Email", "Quarterly Roadmap"}

var pages = []string{"https://www.example.com/newsletter", "https://www.example.com/blog/launch",
	"https://www.example.com/pricing", "https://www.example.com/?utm_source=ad&utm_campaign=q3"}

// region describes how one country writes phone numbers.
type region struct {
	code    string // ISO 3166 alpha-2
	country string
	city    string
	state   string
	dial    string // country calling code
	// national renders a national number from random digits; e164 the same number in E.164.
	national func(d []int) string
	e164     func(d []int) string
}
