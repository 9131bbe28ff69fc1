# Load balancer for the Swarm proof (deploy/swarm/docker-stack.ci.yml), in
# place of Traefik, which cannot be pulled on a machine without a registry:
# Debian's nginx on the local base image, balancing over the app's task IPs.
ARG BASE_IMAGE=debian:12
FROM ${BASE_IMAGE}
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx-light \
 && rm -rf /var/lib/apt/lists/* \
 && ln -sf /dev/stderr /var/log/nginx/error.log
COPY lb-nginx.conf /etc/nginx/nginx.conf
EXPOSE 80 443
CMD ["nginx", "-g", "daemon off;"]
