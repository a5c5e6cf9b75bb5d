# claimwatch on Airflow's official image. The project installs with the same pins as `make install`.
FROM apache/airflow:3.3.2-python3.11
COPY --chown=airflow:0 . /opt/claimwatch
RUN pip install --no-cache-dir -c /opt/claimwatch/constraints.txt -e /opt/claimwatch
ENV CLAIMWATCH_HOME=/opt/claimwatch
