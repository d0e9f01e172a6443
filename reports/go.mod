module github.com/xborderpay/alipay/reports

go 1.23.0

require (
	github.com/pkg/sftp v1.13.10
	github.com/stretchr/testify v1.12.1
	github.com/xborderpay/alipay v0.0.0
	github.com/xuri/excelize/v2 v2.9.1
	golang.org/x/crypto v0.41.0
)

require (
	github.com/google/go-querystring v1.2.0 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-retryablehttp v0.7.8 // indirect
	github.com/kr/fs v0.1.0 // indirect
	github.com/richardlehane/mscfb v1.0.4 // indirect
	github.com/richardlehane/msoleps v1.0.4 // indirect
	github.com/tiendc/go-deepcopy v1.6.0 // indirect
	github.com/xuri/efp v0.0.1 // indirect
	github.com/xuri/nfp v0.0.1 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/net v0.43.0 // indirect
	golang.org/x/sys v0.35.0 // indirect
	golang.org/x/text v0.28.0 // indirect
)

// Built from the same commit as the library it reads reports for.
replace github.com/xborderpay/alipay => ../
