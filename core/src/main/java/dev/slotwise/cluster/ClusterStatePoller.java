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

package dev.slotwise.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Polls the cluster's own view of its nodes ({@code CLUSTER NODES}) in the background and
 * marks the slots of masters the cluster flags as failing ({@code fail} or {@code fail?})
 * in {@link SlotHealth}, so that callers fail fast on those slots before any of them
 * waits out a command timeout. It never marks a slot healthy: marks run out after the
 * probe interval once the cluster stops flagging the master, and the next call probes.
 */
public class ClusterStatePoller implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ClusterStatePoller.class);

	private final RedisConnectionFactory connectionFactory;

	private final SlotHealth slotHealth;

	private final Duration interval;

	private volatile @Nullable ScheduledExecutorService scheduler;

	private volatile boolean lastPollFailed;

	private volatile String lastAnswered = "";

	/**
	 * Create a poller.
	 * @param connectionFactory the cluster connection factory
	 * @param slotHealth where failing slots are marked
	 * @param interval how often to poll (positive)
	 */
	public ClusterStatePoller(RedisConnectionFactory connectionFactory, SlotHealth slotHealth, Duration interval) {
		if (interval.isZero() || interval.isNegative()) {
			throw new IllegalArgumentException("interval must be positive, was " + interval);
		}
		this.connectionFactory = connectionFactory;
		this.slotHealth = slotHealth;
		this.interval = interval;
	}

	/**
	 * Poll once: mark the slots of every master the cluster flags as failing.
	 * @return how many slots were marked
	 */
	@SuppressWarnings("unchecked")
	public int poll() {
		Partitions view = null;
		RuntimeException failure = null;
		try (RedisClusterConnection connection = this.connectionFactory.getClusterConnection()) {
			StatefulRedisClusterConnection<byte[], byte[]> cluster = ((RedisAdvancedClusterAsyncCommands<byte[], byte[]>) connection
				.getNativeConnection()).getStatefulConnection();
			List<io.lettuce.core.cluster.models.partitions.RedisClusterNode> candidates = new ArrayList<>(
					cluster.getPartitions().getPartitions());
			// Ask the node that answered last time first: a frozen node costs a command
			// timeout.
			candidates.sort((a, b) -> Boolean.compare(!a.getNodeId().equals(this.lastAnswered),
					!b.getNodeId().equals(this.lastAnswered)));
			for (io.lettuce.core.cluster.models.partitions.RedisClusterNode candidate : candidates) {
				try {
					String nodes = cluster.getConnection(candidate.getNodeId()).sync().clusterNodes();
					view = ClusterPartitionParser.parse(nodes);
					this.lastAnswered = candidate.getNodeId();
					break;
				}
				catch (RuntimeException ex) {
					failure = ex;
				}
			}
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		if (view == null) {
			if (!this.lastPollFailed) {
				logger.info("Could not read the cluster's state ("
						+ ((failure != null) ? RedisOutage.reason(failure).orElse(failure.getMessage()) : "no nodes")
						+ "); slots are still marked from the errors callers see");
			}
			this.lastPollFailed = true;
			return 0;
		}
		this.lastPollFailed = false;
		int marked = 0;
		for (io.lettuce.core.cluster.models.partitions.RedisClusterNode node : view) {
			boolean failing = node.is(NodeFlag.FAIL) || node.is(NodeFlag.EVENTUAL_FAIL);
			if (node.is(NodeFlag.UPSTREAM) && failing) {
				for (int slot : node.getSlots()) {
					if (this.slotHealth.markFailing(slot) && marked == 0) {
						logger
							.warn("The cluster flags master " + node.getUri().getHost() + ":" + node.getUri().getPort()
									+ " as " + (node.is(NodeFlag.FAIL) ? "fail" : "fail?") + "; its slots fail fast");
					}
					marked++;
				}
			}
		}
		return marked;
	}

	@Override
	public void start() {
		if (this.scheduler != null) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "slotwise-cluster-state");
			thread.setDaemon(true);
			return thread;
		});
		long millis = this.interval.toMillis();
		executor.scheduleWithFixedDelay(this::pollSafely, 0, millis, TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	private void pollSafely() {
		try {
			poll();
		}
		catch (RuntimeException ex) {
			logger.warn("Cluster state poll failed", ex);
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		this.scheduler = null;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

}
