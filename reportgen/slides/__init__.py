"""The editable slides (output/<slug>/<slug>-kafka-tco.pptx): the report's headline for the account team's own
deck, in the theme's colours and fonts, with native PowerPoint charts whose data travels with them."""
