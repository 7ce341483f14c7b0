       -- The snippet: the content escaped for HTML first, so the only tags in it are the <mark>s
       -- ts_headline adds.
       ts_headline('{{schema}}.search'::regconfig,
                   replace(replace(replace(content, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                   websearch_to_tsquery('{{schema}}.search'::regconfig, $2),
                   'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=12, ShortWord=0, '
                   'MaxFragments=2, FragmentDelimiter=" … "') AS snippet
