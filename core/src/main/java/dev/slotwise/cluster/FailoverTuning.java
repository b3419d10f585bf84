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
import java.util.Objects;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SocketOptions.KeepAliveOptions;
import io.lettuce.core.SocketOptions.TcpUserTimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.IOUringProvider;

/**
 * Lettuce client settings that let a Redis Cluster client ride through a failover: short
 * timeouts, topology refresh on every adaptive trigger and on a period, TCP keep-alive
 * and TCP user timeout so that a dead peer is noticed in seconds, and commands rejected
 * rather than queued while a node is unreachable.
 *
 * <p>
 * Lettuce 6.8's own defaults refresh the topology never (no periodic refresh, no adaptive
 * trigger) and time commands out after 60 s: a killed master stalls every caller of its
 * slots for a minute. Immutable; {@link #builder()} starts from the defaults below.
 */
public final class FailoverTuning {

	/** Default command timeout. */
	public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

	/** Default connect timeout. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);

	/** Default period of topology refresh. */
	public static final Duration DEFAULT_REFRESH_PERIOD = Duration.ofSeconds(5);

	/** Default shortest time between two refreshes caused by adaptive triggers. */
	public static final Duration DEFAULT_ADAPTIVE_REFRESH_MIN_INTERVAL = Duration.ofSeconds(1);

	/** Default number of reconnect attempts after which a refresh is triggered. */
	public static final int DEFAULT_REFRESH_RECONNECT_ATTEMPTS = 3;

	/** Default idle time before the first keep-alive probe. */
	public static final Duration DEFAULT_KEEP_ALIVE_IDLE = Duration.ofSeconds(3);

	/** Default time between keep-alive probes. */
	public static final Duration DEFAULT_KEEP_ALIVE_INTERVAL = Duration.ofSeconds(1);

	/** Default number of unanswered keep-alive probes before the connection is closed. */
	public static final int DEFAULT_KEEP_ALIVE_COUNT = 3;

	/** Default TCP user timeout. */
	public static final Duration DEFAULT_TCP_USER_TIMEOUT = Duration.ofSeconds(6);

	/** Default bound on commands queued per connection. */
	public static final int DEFAULT_REQUEST_QUEUE_SIZE = 10_000;

	private final Duration commandTimeout;

	private final Duration connectTimeout;

	private final boolean topologyRefresh;

	private final Duration refreshPeriod;

	private final Duration adaptiveRefreshMinInterval;

	private final int refreshReconnectAttempts;

	private final boolean dynamicRefreshSources;

	private final boolean keepAlive;

	private final Duration keepAliveIdle;

	private final Duration keepAliveInterval;

	private final int keepAliveCount;

	private final Duration tcpUserTimeout;

	private final WhenDisconnected whenDisconnected;

	private final int requestQueueSize;

	private FailoverTuning(Builder builder) {
		this.commandTimeout = builder.commandTimeout;
		this.connectTimeout = builder.connectTimeout;
		this.topologyRefresh = builder.topologyRefresh;
		this.refreshPeriod = builder.refreshPeriod;
		this.adaptiveRefreshMinInterval = builder.adaptiveRefreshMinInterval;
		this.refreshReconnectAttempts = builder.refreshReconnectAttempts;
		this.dynamicRefreshSources = builder.dynamicRefreshSources;
		this.keepAlive = builder.keepAlive;
		this.keepAliveIdle = builder.keepAliveIdle;
		this.keepAliveInterval = builder.keepAliveInterval;
		this.keepAliveCount = builder.keepAliveCount;
		this.tcpUserTimeout = builder.tcpUserTimeout;
		this.whenDisconnected = builder.whenDisconnected;
		this.requestQueueSize = builder.requestQueueSize;
	}

	/**
	 * A builder that starts from the defaults.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The tuning with every default.
	 * @return the defaults
	 */
	public static FailoverTuning defaults() {
		return builder().build();
	}

	/**
	 * Apply socket, disconnect and queue settings to a client options builder, and, when
	 * it builds {@link ClusterClientOptions}, the topology refresh settings.
	 * @param options the builder
	 */
	public void applyTo(ClientOptions.Builder options) {
		options.socketOptions(socketOptions());
		options.disconnectedBehavior((this.whenDisconnected == WhenDisconnected.REJECT)
				? DisconnectedBehavior.REJECT_COMMANDS : DisconnectedBehavior.ACCEPT_COMMANDS);
		options.requestQueueSize(this.requestQueueSize);
		if (this.topologyRefresh && options instanceof ClusterClientOptions.Builder cluster) {
			cluster.topologyRefreshOptions(topologyRefreshOptions());
		}
	}

	/**
	 * The socket options: connect timeout, keep-alive, and the TCP user timeout where the
	 * native transport (epoll or io_uring) can set it.
	 * @return the socket options
	 */
	public SocketOptions socketOptions() {
		SocketOptions.Builder socket = SocketOptions.builder()
			.connectTimeout(this.connectTimeout)
			.keepAlive(KeepAliveOptions.builder()
				.enable(this.keepAlive)
				.idle(this.keepAliveIdle)
				.interval(this.keepAliveInterval)
				.count(this.keepAliveCount)
				.build());
		if (!this.tcpUserTimeout.isZero() && nativeTransportAvailable()) {
			socket.tcpUserTimeout(TcpUserTimeoutOptions.builder().enable().tcpUserTimeout(this.tcpUserTimeout).build());
		}
		return socket.build();
	}

	/**
	 * Whether Lettuce runs on a native transport that can set {@code TCP_USER_TIMEOUT}.
	 * @return whether epoll or io_uring is available
	 */
	public static boolean nativeTransportAvailable() {
		return EpollProvider.isAvailable() || IOUringProvider.isAvailable();
	}

	/**
	 * The topology refresh options: periodic refresh and every adaptive trigger.
	 * @return the refresh options
	 */
	public ClusterTopologyRefreshOptions topologyRefreshOptions() {
		return ClusterTopologyRefreshOptions.builder()
			.enablePeriodicRefresh(this.refreshPeriod)
			.enableAllAdaptiveRefreshTriggers()
			.adaptiveRefreshTriggersTimeout(this.adaptiveRefreshMinInterval)
			.refreshTriggersReconnectAttempts(this.refreshReconnectAttempts)
			.dynamicRefreshSources(this.dynamicRefreshSources)
			.closeStaleConnections(true)
			.build();
	}

	/**
	 * How long a command may take before it fails.
	 * @return the command timeout
	 */
	public Duration commandTimeout() {
		return this.commandTimeout;
	}

	/**
	 * How long a connection attempt may take.
	 * @return the connect timeout
	 */
	public Duration connectTimeout() {
		return this.connectTimeout;
	}

	/**
	 * Whether topology refresh is tuned (otherwise the client's own refresh options
	 * stay).
	 * @return whether refresh is tuned
	 */
	public boolean topologyRefresh() {
		return this.topologyRefresh;
	}

	/**
	 * What happens to commands while a node's connection is down.
	 * @return the behaviour
	 */
	public WhenDisconnected whenDisconnected() {
		return this.whenDisconnected;
	}

	/**
	 * The TCP user timeout ({@link Duration#ZERO} when off).
	 * @return the TCP user timeout
	 */
	public Duration tcpUserTimeout() {
		return this.tcpUserTimeout;
	}

	/**
	 * What a command does while its node's connection is down.
	 */
	public enum WhenDisconnected {

		/** Fail at once, so that a caller can degrade instead of waiting. */
		REJECT,

		/**
		 * Queue (up to the request queue size) until the connection is back or the
		 * command times out.
		 */
		QUEUE

	}

	/**
	 * Builds a {@link FailoverTuning}; every setter checks its value.
	 */
	public static final class Builder {

		private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;

		private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

		private boolean topologyRefresh = true;

		private Duration refreshPeriod = DEFAULT_REFRESH_PERIOD;

		private Duration adaptiveRefreshMinInterval = DEFAULT_ADAPTIVE_REFRESH_MIN_INTERVAL;

		private int refreshReconnectAttempts = DEFAULT_REFRESH_RECONNECT_ATTEMPTS;

		private boolean dynamicRefreshSources = true;

		private boolean keepAlive = true;

		private Duration keepAliveIdle = DEFAULT_KEEP_ALIVE_IDLE;

		private Duration keepAliveInterval = DEFAULT_KEEP_ALIVE_INTERVAL;

		private int keepAliveCount = DEFAULT_KEEP_ALIVE_COUNT;

		private Duration tcpUserTimeout = DEFAULT_TCP_USER_TIMEOUT;

		private WhenDisconnected whenDisconnected = WhenDisconnected.REJECT;

		private int requestQueueSize = DEFAULT_REQUEST_QUEUE_SIZE;

		private Builder() {
		}

		/**
		 * @param commandTimeout how long a command may take (positive)
		 * @return this builder
		 */
		public Builder commandTimeout(Duration commandTimeout) {
			this.commandTimeout = positive("commandTimeout", commandTimeout);
			return this;
		}

		/**
		 * @param connectTimeout how long a connection attempt may take (positive)
		 * @return this builder
		 */
		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = positive("connectTimeout", connectTimeout);
			return this;
		}

		/**
		 * @param topologyRefresh whether to tune topology refresh
		 * @return this builder
		 */
		public Builder topologyRefresh(boolean topologyRefresh) {
			this.topologyRefresh = topologyRefresh;
			return this;
		}

		/**
		 * @param refreshPeriod how often to refresh the topology (positive)
		 * @return this builder
		 */
		public Builder refreshPeriod(Duration refreshPeriod) {
			this.refreshPeriod = positive("refreshPeriod", refreshPeriod);
			return this;
		}

		/**
		 * @param adaptiveRefreshMinInterval the shortest time between refreshes caused by
		 * adaptive triggers (positive)
		 * @return this builder
		 */
		public Builder adaptiveRefreshMinInterval(Duration adaptiveRefreshMinInterval) {
			this.adaptiveRefreshMinInterval = positive("adaptiveRefreshMinInterval", adaptiveRefreshMinInterval);
			return this;
		}

		/**
		 * @param refreshReconnectAttempts reconnect attempts that trigger a refresh (1 or
		 * more)
		 * @return this builder
		 */
		public Builder refreshReconnectAttempts(int refreshReconnectAttempts) {
			this.refreshReconnectAttempts = atLeastOne("refreshReconnectAttempts", refreshReconnectAttempts);
			return this;
		}

		/**
		 * @param dynamicRefreshSources whether to ask every known node, not only the
		 * seeds
		 * @return this builder
		 */
		public Builder dynamicRefreshSources(boolean dynamicRefreshSources) {
			this.dynamicRefreshSources = dynamicRefreshSources;
			return this;
		}

		/**
		 * @param enabled whether to send TCP keep-alive probes
		 * @param idle idle time before the first probe (positive)
		 * @param interval time between probes (positive)
		 * @param count unanswered probes before the connection is closed (1 or more)
		 * @return this builder
		 */
		public Builder keepAlive(boolean enabled, Duration idle, Duration interval, int count) {
			this.keepAlive = enabled;
			this.keepAliveIdle = positive("keepAliveIdle", idle);
			this.keepAliveInterval = positive("keepAliveInterval", interval);
			this.keepAliveCount = atLeastOne("keepAliveCount", count);
			return this;
		}

		/**
		 * @param tcpUserTimeout how long sent data may stay unacknowledged before the
		 * connection is closed; {@link Duration#ZERO} turns it off
		 * @return this builder
		 */
		public Builder tcpUserTimeout(Duration tcpUserTimeout) {
			Objects.requireNonNull(tcpUserTimeout, "tcpUserTimeout must not be null");
			if (tcpUserTimeout.isNegative()) {
				throw new IllegalArgumentException("tcpUserTimeout must not be negative, was " + tcpUserTimeout);
			}
			this.tcpUserTimeout = tcpUserTimeout;
			return this;
		}

		/**
		 * @param whenDisconnected what a command does while its node is unreachable
		 * @return this builder
		 */
		public Builder whenDisconnected(WhenDisconnected whenDisconnected) {
			this.whenDisconnected = Objects.requireNonNull(whenDisconnected, "whenDisconnected must not be null");
			return this;
		}

		/**
		 * @param requestQueueSize bound on queued commands per connection (1 or more)
		 * @return this builder
		 */
		public Builder requestQueueSize(int requestQueueSize) {
			this.requestQueueSize = atLeastOne("requestQueueSize", requestQueueSize);
			return this;
		}

		/**
		 * @return the tuning
		 */
		public FailoverTuning build() {
			return new FailoverTuning(this);
		}

		private static Duration positive(String name, Duration value) {
			Objects.requireNonNull(value, () -> name + " must not be null");
			if (value.isZero() || value.isNegative()) {
				throw new IllegalArgumentException(name + " must be positive, was " + value);
			}
			return value;
		}

		private static int atLeastOne(String name, int value) {
			if (value < 1) {
				throw new IllegalArgumentException(name + " must be at least 1, was " + value);
			}
			return value;
		}

	}

}
