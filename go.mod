module sothon

go 1.26.0

require (
	github.com/expr-lang/expr v1.17.8
	github.com/nicksnyder/go-i18n/v2 v2.7.0
	go.etcd.io/bbolt v1.5.0
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/text v0.44.0
	golang.org/x/time v0.16.0
)

require (
	github.com/go-telegram-bot-api/telegram-bot-api/v5 v5.5.1 // indirect
	golang.org/x/sys v0.45.0 // indirect
)
