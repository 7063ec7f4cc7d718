package fingerprint

// Version is the version of this SDK. It is sent to the API in the User-Agent header and
// in the ii (integration info) query parameter of every request.
const Version = "0.1.0"

// sdkName identifies this SDK in the User-Agent header and the ii query parameter.
const sdkName = "fingerprint-go"
