mkdir -p etc/app
printf 'old content\n' > etc/app/a.conf; chmod 0600 etc/app/a.conf; chown 1000:1001 etc/app/a.conf
printf 'same\n' > etc/app/same.conf; chmod 0644 etc/app/same.conf
