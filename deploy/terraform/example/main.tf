# Example root module: the AWS side of a fleet sending as example.com from eu-west-1.
#   mvn -Plambda package -DskipTests && terraform init && terraform apply
#   then, once per entry:  sesame put mail --store sm://sesame/prod/ --store-kms-key <store_kms_key_arn> ...
#   and set enable_rotation = true.
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40, < 6.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

variable "enable_rotation" {
  type    = bool
  default = false
}

module "sesame" {
  source = "../modules/sesame"

  store_prefix   = "sesame/prod/"
  entries        = ["mail"]
  smtp_user_name = "ses-smtp-mail"
  ses_regions    = ["eu-west-1"]
  from_domains   = ["example.com"]
  # The MTA's bounce subdomain, if its envelope sender differs from the From domain:
  envelope_domains = ["bounces.example.com"]
  # Hosts reach SES through a NAT gateway with this Elastic IP...
  source_cidrs = ["203.0.113.10/32"]
  # ...or through the SES SMTP interface endpoint (aws:SourceIp is absent there):
  # source_vpc_endpoint_ids = ["vpce-0123456789abcdef0"]
  # source_vpc_cidrs        = ["10.20.0.0/16"]
  grace           = "24h"
  delete_after    = "24h"
  rotation_days   = 30
  enable_rotation = var.enable_rotation
  lambda_jar      = "${path.root}/../../../target/sesame-lambda.jar"
}

output "host_pin_line" {
  value = module.sesame.host_pin_line
}

output "store_kms_key_arn" {
  value = module.sesame.store_kms_key_arn
}

output "host_instance_profile_name" {
  value = module.sesame.host_instance_profile_name
}
