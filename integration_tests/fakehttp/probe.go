package fakehttp

import (
	"io"
	"net/http"
)

// AnswerFails reports whether sending req with http.DefaultClient, or reading the whole answer,
// fails: what a client sees of a connection DropConnection cut. Tests of the fakes use it.
func AnswerFails(req *http.Request) bool {
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		_, err = io.ReadAll(res.Body)
		_ = res.Body.Close()
	}
	return err != nil
}
