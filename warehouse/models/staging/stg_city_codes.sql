-- stg_city_codes (grain, key and invariants in stg_city_codes.toml)
-- The city's GB/T 2260 code: the code of a city-level form of that city (this also covers
-- province-administered units such as 仙桃市 429004), else the prefecture of a county-level
-- form (first 4 digits + '00': 大冶市 420281 → 420200).
SELECT
    province,
    city,
    coalesce(
        min(region_code) FILTER (WHERE admin_level = 'city'),
        min(left(region_code, 4) || '00') FILTER (WHERE admin_level = 'county')
    ) AS region_code
FROM staging.stg_submissions
WHERE city IS NOT NULL AND regexp_full_match(region_code, '[0-9]{6}')
GROUP BY province, city
