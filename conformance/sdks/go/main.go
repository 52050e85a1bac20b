package main

import _ "github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

func main() {}
