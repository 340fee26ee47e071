mkdir -p etc/systemd/system/multi-user.target.wants
ln -s /usr/lib/systemd/system/myapp.service etc/systemd/system/multi-user.target.wants/myapp.service
ln -s /usr/lib/systemd/system/other.service etc/systemd/system/multi-user.target.wants/other.service
