mkdir -p etc
ln -s /srv/conf.d etc/conf.d
