mkdir -p etc/app/isdir
printf 'file\n' > etc/app/plain
