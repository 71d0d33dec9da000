"""What the finance office reads: the dashboard (`jixiao dashboard`) and the review letters
(`jixiao letters`), both over the published warehouse file, opened read-only."""
