"""One module per kind of identifier, in the style of python-stdnum:
`compact`, `validate` (raising a `ValidationError`), `is_valid`, `format`,
and `calc_check_digit` where the kind has one."""
