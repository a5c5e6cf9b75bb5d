# claimwatch on Airflow's official image, installed with the same pins as `make install`.
# tests/deploy/test_image.py checks the tag against constraints.txt and the pip pin against
# the Makefile. Build: `docker compose build` (docs/deploy.md).
FROM apache/airflow:3.3.2-python3.11

# The image runs as `airflow` (uid 50000, gid 0); compose may pick another uid, always with
# gid 0, so everything the services write is group-0 writable (Airflow's image convention).
USER airflow
ENV CLAIMWATCH_HOME=/opt/claimwatch \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/claimwatch/dags

# pip as the Makefile pins it: pip 23.2 mis-resolves some extras (stack-facts).
RUN pip install --no-cache-dir "pip==26.3"

# The code is the home: dags/, config/ and demo/ are read from here (.dockerignore keeps out
# .venv, data and the like). Writes go to data/, a volume in docker-compose.yml.
COPY --chown=airflow:0 . /opt/claimwatch
RUN pip install --no-cache-dir -c /opt/claimwatch/constraints.txt -e /opt/claimwatch \
 && pip check \
 && mkdir -p /opt/claimwatch/data \
 && chmod -R g+rwX /opt/claimwatch
