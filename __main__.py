"""`python -m article_cleaner ...` runs the same command line as `article-cleaner ...`."""

from article_cleaner.pipelines.clean_articles import main

main()
