mkdir -p srv/existing
