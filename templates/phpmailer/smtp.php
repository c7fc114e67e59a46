<?php
// Sesame template: SMTP settings for PHPMailer, as a PHP file returning an array.
// Output:  e.g. /etc/myapp/smtp.php       owner root:www-data, mode 0640
// Format:  php     (each value is a complete single-quoted PHP literal)
// Check:   php -l {}
// Restart: none for PHP-FPM/mod_php (the file is read per request; with opcache
//          validate_timestamps=0 use: systemctl reload php8.2-fpm)
// 'secure' is 'tls' (STARTTLS) or 'ssl' (implicit TLS), from the entry's TLS mode (field
// smtp_secure, from smtp_tls: put --tls, or the SES port). See docs/examples/phpmailer-send.php.
// Proven:  PHP 8.2 + PHPMailer 6.6.3 (Debian 12 packages) by PhpMailerEndToEndTest: php -l,
//          then PHPMailer sends with this array over STARTTLS + AUTH, every hard password.
return [
    'host'     => ${smtp_host},
    'port'     => (int) ${smtp_port},
    'username' => ${smtp_username},
    'password' => ${smtp_password},
    'secure'   => ${smtp_secure},
];
