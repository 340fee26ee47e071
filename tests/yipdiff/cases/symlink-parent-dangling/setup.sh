mkdir -p etc
ln -s /srv/conf.d etc/conf.d
ln -s /srv/missing/deeper etc/deep.d
