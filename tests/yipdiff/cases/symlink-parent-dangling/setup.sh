mkdir -p etc
ln -s /srv/conf.d etc/conf.d
ln -s /srv/missing/deeper etc/deep.d
ln -s /srv/nodir/file.conf etc/file-link.conf
