mkdir -p etc srv
printf 'target\n' > srv/real.conf
ln -s /srv/real.conf etc/link.conf
ln -s /srv/absent.conf etc/dangling.conf
