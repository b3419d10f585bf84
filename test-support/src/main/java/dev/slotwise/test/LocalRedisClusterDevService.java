/*
 * Copyright 2026 the Slotwise authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package dev.slotwise.test;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts a local 3-master/3-replica cluster for an application run in development, the
 * way Spring Boot's Docker Compose support starts services: when
 * {@code slotwise.dev-cluster.enabled=true} and no
 * {@code spring.data.redis.cluster.nodes} is configured, a {@link LocalRedisCluster} is
 * started on free loopback ports before the context is created, its nodes are set as
 * {@code spring.data.redis.cluster.nodes}, and it is stopped when the context closes (or
 * the JVM exits). With nodes configured it does nothing.
 *
 * <p>
 * Registered in {@code META-INF/spring.factories}; it acts only when the property is set,
 * so having {@code slotwise-test} on a test classpath changes nothing.
 */
public class LocalRedisClusterDevService implements SmartApplicationListener {

	/** The property that turns the development cluster on. */
	public static final String ENABLED = "slotwise.dev-cluster.enabled";

	private static final String NODES = "spring.data.redis.cluster.nodes";

	private static final Logger logger = LoggerFactory.getLogger(LocalRedisClusterDevService.class);

	private @Nullable LocalRedisCluster cluster;

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(eventType)
				|| ContextClosedEvent.class.isAssignableFrom(eventType)
				|| ApplicationFailedEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
			start(prepared.getEnvironment());
		}
		else {
			stop();
		}
	}

	private synchronized void start(ConfigurableEnvironment environment) {
		if (this.cluster != null || !environment.getProperty(ENABLED, Boolean.class, false)) {
			return;
		}
		String nodes = environment.getProperty(NODES);
		if (nodes != null && !nodes.isBlank()) {
			logger.info(NODES + " is set; not starting a local cluster");
			return;
		}
		logger.info("No " + NODES + " configured and " + ENABLED
				+ "=true: starting a local Redis Cluster (3 masters, 3 replicas) on loopback");
		LocalRedisCluster started = LocalRedisCluster.builder()
			.masters(3)
			.replicasPerMaster(1)
			.config("cluster-require-full-coverage no")
			.start();
		this.cluster = started;
		environment.getPropertySources()
			.addFirst(new MapPropertySource("slotwiseDevCluster", Map.of(NODES, started.nodesProperty())));
		logger.info("Local Redis Cluster ready: " + started.nodesProperty());
	}

	private synchronized void stop() {
		LocalRedisCluster running = this.cluster;
		this.cluster = null;
		if (running != null) {
			logger.info("Stopping the local Redis Cluster");
			running.close();
		}
	}

	@Override
	public int getOrder() {
		// After Boot's config data has loaded application.yml.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
