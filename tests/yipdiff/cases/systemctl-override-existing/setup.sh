mkdir -p etc/systemd/system/myapp.service.d etc/systemd/system/other.service.d
printf 'old\n' > etc/systemd/system/myapp.service.d/override-yip.conf
chmod 0600 etc/systemd/system/myapp.service.d/override-yip.conf
chown 1000:1001 etc/systemd/system/myapp.service.d/override-yip.conf
chmod 0700 etc/systemd/system/other.service.d
