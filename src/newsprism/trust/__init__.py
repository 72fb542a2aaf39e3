"""Trust evidence: source priors, claim profile, corroboration, calibrated combination."""
