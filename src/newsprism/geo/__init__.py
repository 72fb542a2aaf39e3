"""Places: the GeoNames gazetteer (cities, provinces, countries) used by the events analyzer."""
