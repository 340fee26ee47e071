mkdir -p etc/rel
