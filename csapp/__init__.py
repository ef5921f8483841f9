"""csapp: a desktop trainer for 客户服务管理 (自考 10421 / 客户服务管理师)."""

__version__ = "0.1.0"
