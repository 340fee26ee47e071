mkdir -p srv/d1 srv/d2/inner
chmod 0700 srv/d1; chown 1000:1001 srv/d2
