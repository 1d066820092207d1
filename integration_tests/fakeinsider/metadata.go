package fakeinsider

// DeclareCustomAttribute declares the custom attribute name (without the c_ prefix) with Insider
// data type typ (string, number, boolean, date, array) on the fake's account, as an attribute
// created in InOne's panel: the metadata endpoint lists it and upserts are checked against it.
func (s *Server) DeclareCustomAttribute(name, typ string) { s.account.declare(name, typ) }
