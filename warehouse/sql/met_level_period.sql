-- one row per {level} unit over a period: every count (and weighted numerator) summed from
-- met_{level}_{grain} for {date_col} in [$start, $end] — sum over sum, never an average of rates.
-- Template: identifiers from warehouse.registry.LEVELS and a fixed grain list only.
SELECT
    {keys}
    sum(COLUMNS('_count$'))::BIGINT,
    sum(COLUMNS('_weighted$'))::DOUBLE
FROM met_{level}_{grain}
WHERE {date_col} BETWEEN $start AND $end
GROUP BY ALL
