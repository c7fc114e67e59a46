<?php
// Sends one message with PHPMailer using the settings file Sesame renders from
// templates/phpmailer/smtp.php.
//
//   php phpmailer-send.php /etc/myapp/smtp.php to@example.com [from@example.com]
//
// SMTP_CA_FILE (optional): a PEM file of extra CAs to trust, for a private relay.
// Exits 0 when the server accepted the message, 1 otherwise (the error goes to stderr and
// never includes the password).
use PHPMailer\PHPMailer\PHPMailer;
use PHPMailer\PHPMailer\Exception;

require getenv('PHPMAILER_AUTOLOAD') ?: '/usr/share/php/libphp-phpmailer/autoload.php';

[$self, $configFile, $to] = $argv + [null, null, null];
$from = $argv[3] ?? 'sender@example.com';
if ($configFile === null || $to === null) {
    fwrite(STDERR, "usage: php phpmailer-send.php SMTP_CONFIG_PHP TO [FROM]\n");
    exit(2);
}
$smtp = require $configFile;

$mail = new PHPMailer(true);
try {
    $mail->isSMTP();
    $mail->Host = $smtp['host'];
    $mail->Port = $smtp['port'];
    $mail->SMTPAuth = true;
    $mail->Username = $smtp['username'];
    $mail->Password = $smtp['password'];
    // 'tls' = STARTTLS (PHPMailer::ENCRYPTION_STARTTLS), 'ssl' = implicit TLS (ENCRYPTION_SMTPS).
    $mail->SMTPSecure = $smtp['secure'];
    // Never fall back to plain text when the server does not offer STARTTLS.
    $mail->SMTPAutoTLS = false;
    $ca = getenv('SMTP_CA_FILE');
    if ($ca) {
        $mail->SMTPOptions = ['ssl' => ['cafile' => $ca, 'verify_peer' => true,
            'verify_peer_name' => true]];
    }
    $mail->CharSet = PHPMailer::CHARSET_UTF8;
    $mail->setFrom($from);
    $mail->addAddress($to);
    $mail->Subject = 'Sesame PHPMailer example';
    $mail->Body = "Sent with credentials rendered by Sesame.\n";
    $mail->send();
    exit(0);
} catch (Exception $e) {
    // ErrorInfo holds the SMTP conversation's error text, not the password.
    fwrite(STDERR, 'send failed: ' . $mail->ErrorInfo . "\n");
    exit(1);
}
