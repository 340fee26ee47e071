mkdir -p etc srv
ln -s ../../../../srv etc/up.d
