package fingerprinttest

// Tables the generator and the edge analysis draw from. Addresses come from the
// documentation ranges (RFC 5737, RFC 3849) and ASNs from the private range, so
// generated data never names a real network.

type place struct {
	city, postal, tz, country, countryName, continent, continentName, subCode, subName string
	lat, lon                                                                           float64
	v4Net                                                                              string // a /24 from the RFC 5737 ranges, as a prefix "a.b.c."
	asn, asnName, asnType                                                              string
	lang                                                                               string
}

var places = []place{
	{"Prague", "110 00", "Europe/Prague", "CZ", "Czechia", "EU", "Europe", "10", "Hlavni mesto Praha", 50.0878, 14.4205, "192.0.2.", "64501", "Example Telecom CZ", "isp", "cs-CZ"},
	{"Berlin", "10115", "Europe/Berlin", "DE", "Germany", "EU", "Europe", "BE", "Land Berlin", 52.5321, 13.3849, "198.51.100.", "64502", "Beispiel Netz GmbH", "isp", "de-DE"},
	{"San Antonio", "78205", "America/Chicago", "US", "United States", "NA", "North America", "TX", "Texas", 29.4241, -98.4936, "203.0.113.", "64503", "Example Cable LLC", "isp", "en-US"},
	{"Seattle", "98101", "America/Los_Angeles", "US", "United States", "NA", "North America", "WA", "Washington", 47.6101, -122.3344, "192.0.2.", "64504", "Sample Mobile Inc", "mobile", "en-US"},
	{"London", "EC1A", "Europe/London", "GB", "United Kingdom", "EU", "Europe", "ENG", "England", 51.5164, -0.0930, "198.51.100.", "64505", "Demo Broadband Ltd", "isp", "en-GB"},
	{"Sao Paulo", "01310-100", "America/Sao_Paulo", "BR", "Brazil", "SA", "South America", "SP", "Sao Paulo", -23.5613, -46.6565, "203.0.113.", "64506", "Exemplo Telecom SA", "isp", "pt-BR"},
	{"Mumbai", "400001", "Asia/Kolkata", "IN", "India", "AS", "Asia", "MH", "Maharashtra", 18.9388, 72.8354, "192.0.2.", "64507", "Sample Jio Networks", "mobile", "hi-IN"},
	{"Tokyo", "100-0001", "Asia/Tokyo", "JP", "Japan", "AS", "Asia", "13", "Tokyo", 35.6850, 139.7514, "198.51.100.", "64508", "Example NTT Lines", "isp", "ja-JP"},
	{"Sydney", "2000", "Australia/Sydney", "AU", "Australia", "OC", "Oceania", "NSW", "New South Wales", -33.8688, 151.2093, "203.0.113.", "64509", "Sample Telstra Pty", "isp", "en-AU"},
	{"Ashburn", "20147", "America/New_York", "US", "United States", "NA", "North America", "VA", "Virginia", 39.0438, -77.4874, "203.0.113.", "64510", "Example Cloud Hosting", "hosting", "en-US"},
}

type browser struct {
	name, major, full, os, osVersion, device, ua, vendor, platform string
}

var browsers = []browser{
	{"Chrome", "138", "138.0.7204", "Windows", "10", "Other", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36", "Google Inc.", "Win32"},
	{"Chrome", "137", "137.0.7151", "Mac OS X", "10.15.7", "Other", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36", "Google Inc.", "MacIntel"},
	{"Safari", "18", "18.5", "Mac OS X", "10.15.7", "Other", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15", "Apple Computer, Inc.", "MacIntel"},
	{"Firefox", "140", "140.0", "Windows", "11", "Other", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0", "", "Win32"},
	{"Edge", "138", "138.0.3351", "Windows", "11", "Other", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36 Edg/138.0.0.0", "Google Inc.", "Win32"},
	{"Mobile Safari", "18", "18.5", "iOS", "18.5", "iPhone", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1", "Apple Computer, Inc.", "iPhone"},
	{"Chrome Mobile", "138", "138.0.7204", "Android", "14", "Pixel 8", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Mobile Safari/537.36", "Google Inc.", "Linux armv8l"},
	{"Headless Chrome", "138", "138.0.7204", "Linux", "", "Other", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/138.0.0.0 Safari/537.36", "Google Inc.", "Linux x86_64"},
}

// mobileDevice is what a mobile SDK reads from the OS (device_details): raw values, in
// the vendor's own casing, with OS versions of one to three components.
type mobileDevice struct {
	manufacturer, model, osVersion string
}

var androidDevices = []mobileDevice{
	{"samsung", "SM-S911B", "14"},
	{"samsung", "SM-A546B", "13"},
	{"Google", "Pixel 8", "14"},
	{"Xiaomi", "2211133G", "13"},
	{"OPPO", "CPH2451", "13"},
	{"HUAWEI", "ELS-NX9", "10"},
	{"motorola", "moto g54 5G", "14"},
	{"OnePlus", "CPH2449", "16.1"},
	{"LENOVO", "Lenovo TB-X606F", "8.1.0"},
}

// iosDevices use Apple board codes for the model, as iOS reports them.
var iosDevices = []mobileDevice{
	{"Apple", "D73AP", "17.4.1"},
	{"Apple", "D84AP", "18.5"},
	{"Apple", "D63AP", "16.1"},
	{"Apple", "D16AP", "17.5"},
	{"Apple", "D27AP", "18"},
}

var sitePaths = []string{"/", "/login", "/signup", "/checkout", "/account", "/pricing", "/search?q=shoes", "/cart"}

var sites = []string{"https://shop.example.com", "https://www.example.org", "https://app.example.net"}

var knownBots = []struct {
	category, provider, providerURL, name, identity, confidence string
}{
	{"search_engine_crawler", "Google", "https://google.com", "Googlebot", "verified", "high"},
	{"ai_crawler", "OpenAI", "https://openai.com", "GPTBot", "verified", "high"},
	{"ai_agent", "OpenAI", "https://openai.com", "ChatGPT Agent", "signed", "high"},
	{"ai_assistant", "Anthropic", "https://anthropic.com", "Claude-User", "verified", "medium"},
	{"monitoring_and_analytics", "Example Uptime", "https://uptime.example.com", "UptimeProbe", "unknown", "medium"},
	{"browser_automation", "Unknown", "", "Headless Chrome", "unknown", "low"},
	{"scraping", "Unknown", "", "python-requests", "spoofed", "medium"},
}

var fontNames = []string{"Arial", "Arial Black", "Calibri", "Cambria", "Comic Sans MS", "Consolas", "Courier New",
	"Georgia", "Helvetica", "Helvetica Neue", "Impact", "Lucida Console", "Menlo", "Monaco", "Palatino",
	"Segoe UI", "Tahoma", "Times New Roman", "Trebuchet MS", "Verdana"}

var proxyProviders = []string{"Example Residential Proxies", "SampleProxy Network", "Demo Rotating IPs"}

var rules = []struct{ id, name, description string }{
	{"r_login_velocity", "Login velocity", "More than 5 logins from this visitor within an hour"},
	{"r_bad_bot", "Bad bot", "A malicious bot was detected"},
	{"r_vpn_mismatch", "VPN timezone mismatch", "The browser timezone differs from the IP timezone"},
}
