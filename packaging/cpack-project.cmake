# Read by cpack (CPACK_PROJECT_CONFIG_FILE). The Debian package's Depends
# come from dpkg-shlibdeps run on the binary alone: CPack's own SHLIBDEPS
# runs `file` on every packed file first, and the spec data makes that half
# a minute on a loaded machine.
if(CPACK_GENERATOR STREQUAL "DEB" AND NOT CPACK_DEBIAN_PACKAGE_DEPENDS)
  set(dir "${CPACK_TOPLEVEL_DIRECTORY}/shlibdeps")
  file(MAKE_DIRECTORY "${dir}/debian")
  file(TOUCH "${dir}/debian/control")
  execute_process(COMMAND dpkg-shlibdeps -O "${CPACK_VC_BINARY}" WORKING_DIRECTORY "${dir}"
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "shlibs:Depends=([^\n]*)")
    message(FATAL_ERROR "dpkg-shlibdeps on ${CPACK_VC_BINARY} failed: ${err}")
  endif()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${CMAKE_MATCH_1}")
endif()
