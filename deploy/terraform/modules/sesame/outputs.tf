output "host_pin_line" {
  description = "The line for hosts' environment (e.g. /etc/default/sesame): the store every command uses."
  value       = "SESAME_STORE=${local.store_uri} SESAME_STORE_KMS_KEY=${aws_kms_key.store.arn}"
}

output "store_uri" {
  value = local.store_uri
}

output "store_kms_key_arn" {
  description = "Give it to `sesame put --store ... --store-kms-key`."
  value       = aws_kms_key.store.arn
}

output "smtp_user_name" {
  value = aws_iam_user.smtp.name
}

output "smtp_endpoints" {
  description = "The SES SMTP endpoints of ses_regions (ports 587/2587 STARTTLS, 465/2465 implicit TLS)."
  value       = [for r in var.ses_regions : "email-smtp.${r}.amazonaws.com"]
}

output "host_role_arn" {
  value = aws_iam_role.host.arn
}

output "host_instance_profile_name" {
  value = aws_iam_instance_profile.host.name
}

output "rotation_function_arn" {
  value = aws_lambda_function.rotation.arn
}

output "rotation_role_arn" {
  value = aws_iam_role.rotation.arn
}

output "retire_scheduler_role_arn" {
  value = aws_iam_role.retire_scheduler.arn
}

output "rotator_policy_arn" {
  value = aws_iam_policy.rotator.arn
}
