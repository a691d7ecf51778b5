"""The reception kiosk: a tablet where visitors (or pupils) sign their AUP."""
