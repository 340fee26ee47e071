mkdir -p etc/app
printf 'old\n' > etc/app/existing.conf
chown 1000:50 etc/app/existing.conf
chmod 0600 etc/app/existing.conf
