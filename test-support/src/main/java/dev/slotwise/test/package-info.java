/**
 * A real Redis Cluster for tests: {@link dev.slotwise.test.LocalRedisCluster} starts
 * {@code redis-server} processes on free loopback ports, forms the cluster and lets a
 * test kill, pause, restart, fail over and reshard it.
 */
@NullMarked
package dev.slotwise.test;

import org.jspecify.annotations.NullMarked;
