"""Parsers, measures and the auction book for the demand and supply side of the Treasury market.

Who buys Treasuries, and how much there is to buy: auction results (TreasuryDirect's
securities API, Fiscal Data's ``auctions_query`` as a fallback), the Treasury International
Capital table of major foreign holders, and Fiscal Data's "Debt to the Penny". The parsers
here are pure functions of a response body (no network, no store, no clock), so each wire
format is tested on small handmade bodies and the providers that fetch them stay thin.

Modules:
    wire: value parsing shared by the formats (strings for numbers, ``""``/``"null"`` for
        missing, HTML error pages, safe snippets of outside text for error messages).
    terms: security terms (``9-Year 11-Month``) and canonical tenor keys (``10y``).
    auctions: the :class:`~datafeed.demand.auctions.Auction` record and its two parsers.
    auction_measures: bidder shares, bid-to-cover, honest "tail" measures, trailing averages.
    fiscaldata: the Fiscal Data envelope (``data``/``meta``/``links``, paging).
    countries: canonical holder keys (``japan``, ``china``, ``uk``) across spelling changes.
    holders: the TIC major-foreign-holders tables (``mfhhis01.txt``, ``mfh.txt``).
    debt: Debt to the Penny records and their daily series in USD bn.
    book: the auction book, auctions kept by (CUSIP, auction date) in ``auctions.json``.
    auction_feed: the scheduler that keeps the book refreshed beside the series feed.
    auction_series: auction measures per security line as plain series (``auction_indirect_10y``).
    book_series: a book's series with their newest date and source, as signal inputs.
    demo_auctions: the demo market's synthetic auction book (source ``demo``).
    report: the ``auctions`` and ``holders`` objects of ``snapshot --format json``.

The first modules are pure; ``book`` reads and writes its file, and ``auction_feed`` fetches
through the providers (``datafeed/providers/treasurydirect.py``, ``fiscaldata.py``, ``tic.py``).
"""
