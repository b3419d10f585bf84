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

package dev.slotwise.key;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.cache.interceptor.KeyGenerator;
import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.cache.interceptor.SimpleKeyGenerator;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedMethod;

/**
 * A {@link KeyGenerator} for {@code @Cacheable} and its siblings that puts every entry of
 * one tag in one Redis Cluster slot: the key is a {@link TaggedKey}, {@code {tag}:rest}.
 * The tag is the argument of the parameter marked {@link CacheTag @CacheTag}, or the
 * first argument; the rest is built from the other arguments as Spring's
 * {@link SimpleKeyGenerator} builds a key. So {@code orders(42, "open")} is cached as
 * {@code orders::{42}:open}, next to every other entry of user 42, and
 * {@code ClusterCache.evictTag(42)} removes them all with one call to that slot's master.
 *
 * <pre class="code">
 * &#64;Cacheable(cacheNames = "orders", keyGenerator = HashTagKeyGenerator.BEAN_NAME)
 * public List&lt;Order&gt; orders(long userId, String status) { ... }
 * </pre>
 *
 * A key generator does not see the cache's name, so which argument is the tag is a
 * property of the method, never of the cache. A tag that is {@code null}, empty or holds
 * a brace fails the call with an {@link IllegalArgumentException} naming the method and
 * the parameter: Redis would otherwise hash the whole key and the tag's entries would
 * scatter.
 *
 * <p>
 * Thread-safe; which parameter is a method's tag is worked out once per method.
 */
public class HashTagKeyGenerator implements KeyGenerator {

	/**
	 * Name of the key generator bean, for
	 * {@code @Cacheable(keyGenerator = HashTagKeyGenerator.BEAN_NAME)}.
	 */
	public static final String BEAN_NAME = "slotwiseHashTagKeyGenerator";

	private static final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final Map<Method, TagParameter> tagParameters = new ConcurrentHashMap<>();

	@Override
	public Object generate(Object target, Method method, @Nullable Object... params) {
		TagParameter tagParameter = this.tagParameters.computeIfAbsent(method, (key) -> tagParameter(target, method));
		Object tag = params[tagParameter.index()];
		String problem = TaggedKey.problem(tag);
		if (problem != null) {
			throw new IllegalArgumentException("Cannot build the cache key of " + describe(method) + ": its hash tag, "
					+ tagParameter.description() + ", " + problem + ((tag != null) ? " ('" + tag + "')" : "") + ". "
					+ TaggedKey.RULE + " Pass a value, or mark a parameter that always has one with @CacheTag.");
		}
		Object[] others = new Object[params.length - 1];
		System.arraycopy(params, 0, others, 0, tagParameter.index());
		System.arraycopy(params, tagParameter.index() + 1, others, tagParameter.index(),
				others.length - tagParameter.index());
		Object rest = (others.length == 0) ? SimpleKey.EMPTY : SimpleKeyGenerator.generateKey(others);
		return new TaggedKey(String.valueOf(tag), rest);
	}

	/**
	 * Which parameter holds the tag: the one marked {@code @CacheTag} on the method the
	 * target runs (or on an interface method it implements), else the first.
	 */
	private static TagParameter tagParameter(Object target, Method method) {
		if (method.getParameterCount() == 0) {
			throw new IllegalStateException("Cannot build the cache key of " + describe(method)
					+ ": it has no parameter to take the hash tag from. Give it one (a user id, a tenant), or use "
					+ "another key generator for it.");
		}
		Method specific = AopUtils.getMostSpecificMethod(method, AopProxyUtils.ultimateTargetClass(target));
		MethodParameter[] parameters = new AnnotatedMethod(specific).getMethodParameters();
		int marked = -1;
		for (MethodParameter parameter : parameters) {
			if (parameter.hasParameterAnnotation(CacheTag.class)) {
				if (marked >= 0) {
					throw new IllegalStateException(
							"Cannot build the cache key of " + describe(method) + ": @CacheTag marks both "
									+ name(specific, marked) + " and " + name(specific, parameter.getParameterIndex())
									+ ". A key has one hash tag: mark one parameter.");
				}
				marked = parameter.getParameterIndex();
			}
		}
		if (marked >= 0) {
			return new TagParameter(marked, "parameter " + name(specific, marked) + " (marked @CacheTag)");
		}
		return new TagParameter(0, "the first parameter " + name(specific, 0) + " (no parameter is marked @CacheTag)");
	}

	private static String name(Method method, int index) {
		String[] names = parameterNames.getParameterNames(method);
		return (names != null) ? "'" + names[index] + "'" : "#" + index;
	}

	private static String describe(Method method) {
		return method.getDeclaringClass().getSimpleName() + "." + method.getName() + "("
				+ Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "))
				+ ")";
	}

	private record TagParameter(int index, String description) {
	}

}
