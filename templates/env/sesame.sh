# Sesame template: SMTP settings for scripts that source them (". /etc/myapp/smtp.sh").
# Output:  e.g. /etc/myapp/smtp.sh         owner root:root, mode 0600
# Format:  shell   (POSIX single-quoted words; not for systemd, use sesame.env there)
# Check:   sh -n {}
# Restart: none
# Proven:  dash (/bin/sh) and bash 5.2 on Debian 12 by RealReadersTest, every hard password.
export SMTP_HOST=${smtp_host}
export SMTP_PORT=${smtp_port}
export SMTP_TLS=${smtp_tls}
export SMTP_USERNAME=${smtp_username}
export SMTP_PASSWORD=${smtp_password}
