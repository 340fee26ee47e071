mkdir -p srv/conf.d etc
ln -s /srv/conf.d etc/conf.d
ln -s ../srv/conf.d etc/rel.d
