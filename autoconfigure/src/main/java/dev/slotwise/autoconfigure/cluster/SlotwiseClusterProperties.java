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

package dev.slotwise.autoconfigure.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.slotwise.cluster.FailoverTuning;
import dev.slotwise.cluster.FailoverTuning.WhenDisconnected;
import dev.slotwise.cluster.SlotHealth;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for the Redis Cluster connection. Nodes, credentials and SSL
 * stay under Spring Boot's {@code spring.data.redis.*}.
 */
@ConfigurationProperties("slotwise.cluster")
public class SlotwiseClusterProperties {

	/**
	 * Whether Slotwise tunes the Lettuce cluster client for failover.
	 */
	private boolean enabled = true;

	/**
	 * Command timeout. When unset, 'spring.data.redis.timeout' applies if set, otherwise
	 * 2s (Lettuce's own default of 60s stalls callers through a failover).
	 */
	private @Nullable Duration commandTimeout;

	/**
	 * Connect timeout. When unset, 'spring.data.redis.connect-timeout' applies if set,
	 * otherwise 1s.
	 */
	private @Nullable Duration connectTimeout;

	/**
	 * How long sent data may stay unacknowledged before the connection is closed
	 * (TCP_USER_TIMEOUT; needs the epoll or io_uring transport, which the starter brings
	 * on Linux). 0 turns it off.
	 */
	private Duration tcpUserTimeout = FailoverTuning.DEFAULT_TCP_USER_TIMEOUT;

	/**
	 * What a command does while its node's connection is down: 'reject' fails it at once
	 * so the caller can degrade, 'queue' holds it until reconnect or timeout.
	 */
	private WhenDisconnected whenDisconnected = WhenDisconnected.REJECT;

	/**
	 * Most commands queued per node connection; more fail at once instead of piling up.
	 */
	private int requestQueueSize = FailoverTuning.DEFAULT_REQUEST_QUEUE_SIZE;

	/**
	 * Announced node addresses mapped to addresses this application can reach, each as
	 * 'announced=reachable' with host:port on both sides or a host on both sides (Docker,
	 * Kubernetes, NAT).
	 */
	private List<String> addressMap = new ArrayList<>();

	/**
	 * How long a slot that failed is skipped, with every slot of its master (cache reads
	 * degrade, writes are buffered, rate-limit decisions follow the failure mode), before
	 * one caller probes it again.
	 */
	private Duration probeInterval = SlotHealth.DEFAULT_PROBE_INTERVAL;

	/**
	 * Whether a failing master is probed only once the cluster's other masters confirm
	 * that it still serves its slots (not flagged 'fail' or 'fail?', not replaced): a
	 * stopped master that resumes accepts writes until it hears it was replaced, and
	 * loses them.
	 */
	private boolean confirmProbes = true;

	private final TopologyRefresh topologyRefresh = new TopologyRefresh();

	private final KeepAlive keepAlive = new KeepAlive();

	private final StallDetection stallDetection = new StallDetection();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Duration getCommandTimeout() {
		return this.commandTimeout;
	}

	public void setCommandTimeout(@Nullable Duration commandTimeout) {
		this.commandTimeout = commandTimeout;
	}

	public @Nullable Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(@Nullable Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getTcpUserTimeout() {
		return this.tcpUserTimeout;
	}

	public void setTcpUserTimeout(Duration tcpUserTimeout) {
		this.tcpUserTimeout = tcpUserTimeout;
	}

	public WhenDisconnected getWhenDisconnected() {
		return this.whenDisconnected;
	}

	public void setWhenDisconnected(WhenDisconnected whenDisconnected) {
		this.whenDisconnected = whenDisconnected;
	}

	public int getRequestQueueSize() {
		return this.requestQueueSize;
	}

	public void setRequestQueueSize(int requestQueueSize) {
		this.requestQueueSize = requestQueueSize;
	}

	public List<String> getAddressMap() {
		return this.addressMap;
	}

	public void setAddressMap(List<String> addressMap) {
		this.addressMap = addressMap;
	}

	public Duration getProbeInterval() {
		return this.probeInterval;
	}

	public void setProbeInterval(Duration probeInterval) {
		this.probeInterval = probeInterval;
	}

	public boolean isConfirmProbes() {
		return this.confirmProbes;
	}

	public void setConfirmProbes(boolean confirmProbes) {
		this.confirmProbes = confirmProbes;
	}

	public TopologyRefresh getTopologyRefresh() {
		return this.topologyRefresh;
	}

	public KeepAlive getKeepAlive() {
		return this.keepAlive;
	}

	/**
	 * Cluster topology refresh: how the client learns that a replica took over.
	 */
	public static class TopologyRefresh {

		/**
		 * Whether Slotwise sets topology refresh. When false, Boot's
		 * 'spring.data.redis.lettuce.cluster.refresh.*' apply unchanged.
		 */
		private boolean enabled = true;

		/**
		 * How often to refresh the topology; bounds how long a hung master's slots stay
		 * routed to it after its replica took over.
		 */
		private Duration period = FailoverTuning.DEFAULT_REFRESH_PERIOD;

		/**
		 * Shortest time between two refreshes caused by adaptive triggers (MOVED, ASK,
		 * reconnects, uncovered slots, unknown nodes).
		 */
		private Duration adaptiveMinInterval = FailoverTuning.DEFAULT_ADAPTIVE_REFRESH_MIN_INTERVAL;

		/**
		 * Reconnect attempts to one node after which a refresh is triggered.
		 */
		private int reconnectAttempts = FailoverTuning.DEFAULT_REFRESH_RECONNECT_ATTEMPTS;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getPeriod() {
			return this.period;
		}

		public void setPeriod(Duration period) {
			this.period = period;
		}

		public Duration getAdaptiveMinInterval() {
			return this.adaptiveMinInterval;
		}

		public void setAdaptiveMinInterval(Duration adaptiveMinInterval) {
			this.adaptiveMinInterval = adaptiveMinInterval;
		}

		public int getReconnectAttempts() {
			return this.reconnectAttempts;
		}

		public void setReconnectAttempts(int reconnectAttempts) {
			this.reconnectAttempts = reconnectAttempts;
		}

	}

	public StallDetection getStallDetection() {
		return this.stallDetection;
	}

	/**
	 * Stall detection: a master that answers nothing, while calls wait for it, for longer
	 * than {@code max(floor, multiplier x its usual answer time)} is treated as failing
	 * at once, before any timeout: the waiting calls stop waiting and its slots fail fast
	 * until it answers again.
	 */
	public static class StallDetection {

		/**
		 * Whether calls stop waiting for a master that went silent.
		 */
		private boolean enabled = true;

		/**
		 * Shortest silence that counts as a stall. Longer than a client-side garbage
		 * collection pause; shorter than a caller should wait for a frozen master.
		 */
		private Duration floor = dev.slotwise.cluster.StallDetection.DEFAULT_FLOOR;

		/**
		 * How many times its usual answer time a master may stay silent before it counts
		 * as stalled.
		 */
		private int multiplier = dev.slotwise.cluster.StallDetection.DEFAULT_MULTIPLIER;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getFloor() {
			return this.floor;
		}

		public void setFloor(Duration floor) {
			this.floor = floor;
		}

		public int getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(int multiplier) {
			this.multiplier = multiplier;
		}

	}

	/**
	 * TCP keep-alive: notices a peer that vanished while the connection was idle.
	 */
	public static class KeepAlive {

		/**
		 * Whether to send TCP keep-alive probes.
		 */
		private boolean enabled = true;

		/**
		 * Idle time before the first probe.
		 */
		private Duration idle = FailoverTuning.DEFAULT_KEEP_ALIVE_IDLE;

		/**
		 * Time between probes.
		 */
		private Duration interval = FailoverTuning.DEFAULT_KEEP_ALIVE_INTERVAL;

		/**
		 * Unanswered probes after which the connection is closed.
		 */
		private int count = FailoverTuning.DEFAULT_KEEP_ALIVE_COUNT;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getIdle() {
			return this.idle;
		}

		public void setIdle(Duration idle) {
			this.idle = idle;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public int getCount() {
			return this.count;
		}

		public void setCount(int count) {
			this.count = count;
		}

	}

}
