package fingerprint

//go:generate go run ../cmd/gen-aliases -in ../gen/fingerprint.gen.go -out models.gen.go
//go:generate go run ../cmd/gen-searchparams -gen ../gen/fingerprint.gen.go -spec ../api/openapi.yaml -out search_params.gen.go -table ../internal/searchparams/params.gen.go
