variable "store_prefix" {
  description = "Secret-name prefix of the store (hosts use --store sm://PREFIX). Ends with '/'."
  type        = string
  default     = "sesame/prod/"
  validation {
    condition     = can(regex("^[A-Za-z0-9/_+=.@-]+/$", var.store_prefix))
    error_message = "store_prefix is a secret-name prefix ending with '/', e.g. sesame/prod/."
  }
}

variable "entries" {
  description = "Entry names of the store: one secret PREFIX+NAME each (values are written by `sesame put --store`)."
  type        = list(string)
  default     = ["mail"]
}

variable "smtp_user_name" {
  description = "Name of the IAM user whose access keys are the SES SMTP credentials."
  type        = string
  default     = "ses-smtp-mail"
}

variable "ses_regions" {
  description = "Regions the SMTP credentials send in (the SMTP password is derived per region)."
  type        = list(string)
  default     = ["eu-west-1"]
}

variable "from_domains" {
  description = "Any From address of these domains may be sent (ses:FromAddress *@DOMAIN, as written and in lower case)."
  type        = list(string)
  default     = []
}

variable "from_addresses" {
  description = "Single From addresses allowed besides from_domains."
  type        = list(string)
  default     = []
}

variable "envelope_domains" {
  description = "Envelope-sender domains (bounce subdomain, VERP) the MTA uses besides the From domains."
  type        = list(string)
  default     = []
}

variable "source_cidrs" {
  description = "Public egress networks of the hosts (NAT gateway, Elastic IP): aws:SourceIp. Never private ranges."
  type        = list(string)
  default     = []
  # aws:SourceIp only ever holds public addresses and is absent through a VPC endpoint (IAM User
  # Guide, "AWS global condition context keys"): a private range would deny every send.
  validation {
    condition = alltrue([for c in var.source_cidrs : !can(regex(
      "^(10\\.|127\\.|169\\.254\\.|192\\.168\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.|100\\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\\.|0\\.0\\.0\\.0/0|f[cd]|fe[89ab])",
    lower(c))) && can(cidrhost(strcontains(c, "/") ? c : (strcontains(c, ":") ? "${c}/128" : "${c}/32"), 0))])
    error_message = "source_cidrs must be public egress addresses or CIDRs (aws:SourceIp never holds private ones); for the SES SMTP VPC endpoint use source_vpc_endpoint_ids / source_vpc_cidrs."
  }
}

variable "source_vpc_endpoint_ids" {
  description = "SES SMTP interface endpoints (com.amazonaws.REGION.email-smtp) hosts send through: aws:SourceVpce."
  type        = list(string)
  default     = []
}

variable "source_vpc_cidrs" {
  description = "Private networks inside the VPC that send through the endpoint: aws:VpcSourceIp."
  type        = list(string)
  default     = []
}

variable "grace" {
  description = "How long the previous key stays active after a rotation (SESAME_GRACE)."
  type        = string
  default     = "24h"
}

variable "delete_after" {
  description = "Least time between deactivating the previous key and deleting it (SESAME_DELETE_AFTER)."
  type        = string
  default     = "24h"
}

variable "smtp_deadline" {
  description = "How long testSecret retries the SMTP login while IAM propagates a new key (SESAME_SMTP_DEADLINE)."
  type        = string
  default     = "120s"
}

variable "rotation_days" {
  description = "Secrets Manager rotates each entry every this many days; keep it longer than grace plus delete_after."
  type        = number
  default     = 30
}

variable "enable_rotation" {
  description = "Turn Secrets Manager rotation on. Leave false until `sesame put --store` has written each entry's first value."
  type        = bool
  default     = false
}

variable "lambda_jar" {
  description = "Path of target/sesame-lambda.jar (mvn -Plambda package -DskipTests)."
  type        = string
}

variable "function_name" {
  description = "Name of the rotation function."
  type        = string
  default     = "sesame-rotation"
}

variable "log_retention_days" {
  description = "Retention of the function's log group (its audit records)."
  type        = number
  default     = 400
}

variable "host_trusted_services" {
  description = "Services that may assume the host role."
  type        = list(string)
  default     = ["ec2.amazonaws.com"]
}

variable "vault_kms_key_arn" {
  description = "KMS key that wraps hosts' vault files (sesame init --kms-key); empty: hosts use the store only."
  type        = string
  default     = ""
}

variable "host_vault_ids" {
  description = "Vault ids the host role may unwrap with vault_kms_key_arn (kms:EncryptionContext:sesame-vault)."
  type        = list(string)
  default     = []
}

variable "secret_kms_key_arn" {
  description = "Customer managed key Secrets Manager encrypts the store's secrets with; empty: aws/secretsmanager."
  type        = string
  default     = ""
}

variable "name_prefix" {
  description = "Prefix of the IAM role, policy, KMS alias and schedule names."
  type        = string
  default     = "sesame"
}
