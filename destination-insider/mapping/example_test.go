package mapping_test

import (
	"fmt"

	"github.com/insider-hubspot/connectors/destination-insider/mapping"
)

func ExampleNormalizeEventName() {
	fmt.Println(mapping.NormalizeEventName("Newsletter Signup"))
	fmt.Println(mapping.NormalizeEventName("pe123456_newsletter-signup"))
	fmt.Println(mapping.ValidEventName("form.submit"), mapping.ValidEventName("Form Submit"))
	// Output:
	// newsletter_signup
	// pe123456_newsletter-signup
	// true false
}
