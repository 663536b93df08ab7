"""Packaging for django-cron: ``pip install .`` or ``python -m build``."""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent

setup(
    name="django-cron",
    version="0.7.0",
    description="Run Django code on a schedule from one crontab line; browse the runs in the admin",
    long_description=(HERE / "README.rst").read_text(encoding="utf-8"),
    long_description_content_type="text/x-rst",
    license="MIT",
    keywords="django cron scheduler jobs crontab",
    packages=find_packages(include=["django_cron", "django_cron.*"]),
    include_package_data=True,
    package_data={"django_cron": ["py.typed"]},
    zip_safe=False,
    python_requires=">=3.10",
    install_requires=[
        "Django>=5.2,<6.2",
        "tzdata; sys_platform == 'win32'",
    ],
    extras_require={
        "redis": ["redis>=4.0"],
        "memcached": ["pymemcache>=4.0"],
        "postgres": ["psycopg[binary]>=3.1"],
        "mysql": ["mysqlclient>=2.2"],
    },
    classifiers=[
        "Development Status :: 5 - Production/Stable",
        "Environment :: Web Environment",
        "Framework :: Django",
        "Framework :: Django :: 5.2",
        "Framework :: Django :: 6.0",
        "Framework :: Django :: 6.1",
        "Intended Audience :: Developers",
        "Intended Audience :: System Administrators",
        "License :: OSI Approved :: MIT License",
        "Operating System :: OS Independent",
        "Programming Language :: Python",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Topic :: Software Development",
        "Topic :: System :: Systems Administration",
        "Typing :: Typed",
    ],
)
