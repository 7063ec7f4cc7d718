package fingerprint

//go:generate go run ../cmd/gen-aliases -in ../gen/fingerprint.gen.go -out models.gen.go
