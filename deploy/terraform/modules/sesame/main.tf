data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  # ses:FromAddress is matched case-sensitively: each domain as written and in lower case
  # (SES Developer Guide, "Sending policy examples").
  from_domains   = distinct(flatten([for d in concat(var.from_domains, var.envelope_domains) : [lower(d), d]]))
  from_addresses = distinct(flatten([for a in var.from_addresses : [a, "${split("@", a)[0]}@${lower(split("@", a)[1])}"]]))
  from_patterns  = concat(local.from_addresses, [for d in local.from_domains : "*@${d}"])
  from_condition = length(local.from_domains) > 0 ? { StringLike = { "ses:FromAddress" = local.from_patterns } } : { StringEquals = { "ses:FromAddress" = local.from_patterns } }
  vpc_conditions = merge(
    length(var.source_vpc_endpoint_ids) > 0 ? { StringEquals = { "aws:SourceVpce" = var.source_vpc_endpoint_ids } } : {},
    length(var.source_vpc_cidrs) > 0 ? { IpAddress = { "aws:VpcSourceIp" = var.source_vpc_cidrs } } : {},
  )
  through_public = length(var.source_cidrs) > 0
  through_vpc    = length(var.source_vpc_endpoint_ids) + length(var.source_vpc_cidrs) > 0

  # Optional statements of policies.tf.json.
  opt_SendRawEmailOnly                       = local.through_public || local.through_vpc ? [] : [local.stmt_SendRawEmailOnly]
  opt_SendFromPublicEgress                   = local.through_public ? [local.stmt_SendFromPublicEgress] : []
  opt_SendThroughVpcEndpoint                 = local.through_vpc ? [local.stmt_SendThroughVpcEndpoint] : []
  opt_UnwrapOwnVault                         = var.vault_kms_key_arn != "" && length(var.host_vault_ids) > 0 ? [local.stmt_UnwrapOwnVault] : []
  opt_SecretsManagerKeyViaSecretsManager     = var.secret_kms_key_arn != "" ? [local.stmt_SecretsManagerKeyViaSecretsManager] : []
  opt_HostSecretsManagerKeyViaSecretsManager = var.secret_kms_key_arn != "" ? [local.stmt_HostSecretsManagerKeyViaSecretsManager] : []

  store_uri = "sm://${var.store_prefix}"
}

check "from_restriction" {
  assert {
    condition     = length(var.from_domains) + length(var.from_addresses) > 0
    error_message = "Give from_domains or from_addresses: the SMTP user may only send from them."
  }
}

# --- The SMTP user: its access keys are the SES SMTP credentials; Sesame creates and rotates them.
resource "aws_iam_user" "smtp" {
  name = var.smtp_user_name
}

resource "aws_iam_user_policy" "smtp" {
  name   = "${var.name_prefix}-send-raw-email-only"
  user   = aws_iam_user.smtp.name
  policy = jsonencode(local.policy_smtp_user)
}

# --- The KMS key that seals store values (each version under a fresh data key).
resource "aws_kms_key" "store" {
  description         = "Sesame store ${var.store_prefix}: wraps each version's data key"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministersAndIamPoliciesGrant"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_alias" "store" {
  name          = "alias/${var.name_prefix}-store"
  target_key_id = aws_kms_key.store.key_id
}

# --- The store: one secret per entry; values come from `sesame put --store`.
resource "aws_secretsmanager_secret" "entry" {
  for_each    = toset(var.entries)
  name        = "${var.store_prefix}${each.key}"
  description = "Sesame store entry ${each.key} (sesame-sm/2)"
  kms_key_id  = var.secret_kms_key_arn != "" ? var.secret_kms_key_arn : null
}

resource "aws_secretsmanager_secret_rotation" "entry" {
  for_each            = var.enable_rotation ? aws_secretsmanager_secret.entry : {}
  secret_id           = each.value.id
  rotation_lambda_arn = aws_lambda_function.rotation.arn
  rotation_rules {
    automatically_after_days = var.rotation_days
  }
  depends_on = [aws_lambda_permission.secrets_manager]
}

# --- The rotation function and its execution role.
resource "aws_iam_role" "rotation" {
  name = "${var.name_prefix}-rotation"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "rotation" {
  name   = "${var.name_prefix}-rotation"
  role   = aws_iam_role.rotation.id
  policy = jsonencode(local.policy_rotation_function)
}

# Created here, so the function's role needs no logs:CreateLogGroup.
resource "aws_cloudwatch_log_group" "rotation" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "rotation" {
  function_name    = var.function_name
  role             = aws_iam_role.rotation.arn
  runtime          = "java21"
  architectures    = ["x86_64"]
  handler          = "dev.sesame.lambda.RotationHandler::handleRequest"
  filename         = var.lambda_jar
  source_code_hash = filebase64sha256(var.lambda_jar)
  timeout          = 300
  memory_size      = 1024
  environment {
    variables = {
      SESAME_STORE         = local.store_uri
      SESAME_GRACE         = var.grace
      SESAME_DELETE_AFTER  = var.delete_after
      SESAME_SMTP_DEADLINE = var.smtp_deadline
      SESAME_STORE_KMS_KEY = aws_kms_key.store.arn
    }
  }
  depends_on = [aws_cloudwatch_log_group.rotation, aws_iam_role_policy.rotation]
}

# Secrets Manager may invoke it only for this account's secrets under the store prefix.
resource "aws_lambda_permission" "secrets_manager" {
  statement_id   = "SecretsManagerRotation"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.rotation.function_name
  principal      = "secretsmanager.amazonaws.com"
  source_account = local.account_id
  source_arn     = local.store_secrets_arn
}

# --- The hourly retirement schedule and its role.
resource "aws_iam_role" "retire_scheduler" {
  name               = "${var.name_prefix}-retire-scheduler"
  assume_role_policy = jsonencode(local.policy_retire_scheduler_trust)
}

resource "aws_iam_role_policy" "retire_scheduler" {
  name   = "${var.name_prefix}-retire-scheduler"
  role   = aws_iam_role.retire_scheduler.id
  policy = jsonencode(local.policy_retire_scheduler)
}

resource "aws_scheduler_schedule" "retire" {
  name                = "${var.name_prefix}-retire"
  group_name          = "default"
  schedule_expression = "rate(1 hour)"
  flexible_time_window {
    mode = "OFF"
  }
  target {
    arn      = aws_lambda_function.rotation.arn
    role_arn = aws_iam_role.retire_scheduler.arn
    input    = jsonencode({ Step = "retireDue" })
  }
}

# --- Hosts: read AWSCURRENT and open it; nothing else.
resource "aws_iam_role" "host" {
  name = "${var.name_prefix}-host"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = var.host_trusted_services }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "host" {
  name   = "${var.name_prefix}-host"
  role   = aws_iam_role.host.id
  policy = jsonencode(local.policy_host)
}

resource "aws_iam_instance_profile" "host" {
  name = "${var.name_prefix}-host"
  role = aws_iam_role.host.name
}

# --- For a `sesame rotate --store` machine instead of the function: attach where it runs.
resource "aws_iam_policy" "rotator" {
  name        = "${var.name_prefix}-rotator"
  description = "sesame rotate --store / put --store on ${var.store_prefix} (use instead of the rotation function, not with it)"
  policy      = jsonencode(local.policy_rotator)
}
